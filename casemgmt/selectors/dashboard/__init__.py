"""The supervisor's dashboard: the programme at a glance, each figure one click from the
cases behind it. One module per section; ``scope`` holds the filters they all share."""
