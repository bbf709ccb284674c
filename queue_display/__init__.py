"""Call board and counter terminal: clients of the hall back office's local API and event stream."""
