"""Files Causerie hands to other software (the WordPress must-use plugin)."""
