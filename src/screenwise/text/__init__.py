"""Text screening: article extraction, boilerplate detection, mention finding."""
