"""Who is calling: guests (signed cookie), users (JWT from the accounts service), partner keys."""
