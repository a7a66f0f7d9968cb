"""Loopback stand-ins for the HTTP services Stir talks to: Slack webhooks, beat's scrape API, media CDN."""
