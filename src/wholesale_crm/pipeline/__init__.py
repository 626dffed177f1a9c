"""Pipeline: leads, opportunities, stages and their history, forecasts and analytics."""
