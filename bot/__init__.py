"""The gateway: the only public process. Channels, conversations, transcript."""
