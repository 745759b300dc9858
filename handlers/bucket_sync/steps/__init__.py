"""Lambda entry points, one module per state of statemachine.asl.json."""
