"""What calls cost: prices of a reply from the price table (`cost.py`), and usage and
cost summed over many calls, with `max_cost` (`usage.py`: `track_usage`). Loaded only
when something prices or tracks a reply (`chat/call_hooks.py`)."""
