"""The live workspace: numbered streams in the database, a doorbell through the channel layer and the
websocket consumer that pages subscribe with (docs/architecture.md, "Live pages")."""
