"""The domain core of govgraph: configuration, store, build, analytics, exports (no Flask, no click)."""
