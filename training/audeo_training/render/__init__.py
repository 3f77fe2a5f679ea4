"""Synthetic top-view piano video renderer: keyboards, hands, labels, domain randomisation."""
