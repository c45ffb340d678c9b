"""The domain core: pure logic over plain values, no frameworks, no I/O, no clocks."""
