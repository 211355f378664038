"""The channel-neutral core: an incoming message, understood, answered by a handler or a flow, as replies."""
