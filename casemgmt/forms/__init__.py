"""Forms: crispy layouts and input validation only; business rules live in services."""
