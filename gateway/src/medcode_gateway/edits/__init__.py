"""Reference edits and crosswalks: NCCI PTP, MUEs, GEMs, CC/MCC exclusions, data sets."""
