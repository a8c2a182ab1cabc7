"""Code lookup: releases, code pages (metered), children, validation."""
