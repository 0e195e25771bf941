"""click commands, one module per area; ``agent.cli`` registers them."""
