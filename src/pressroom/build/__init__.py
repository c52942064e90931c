"""The build: the stages that turn releases into published editions, and what they remember."""
