"""Pure helpers with no models: codes, periods, numbers and wording."""
