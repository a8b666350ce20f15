"""Channel adapters: each turns a provider's request into an Inbound message."""
