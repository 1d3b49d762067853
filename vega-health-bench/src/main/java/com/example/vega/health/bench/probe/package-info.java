/** Benchmarks (JMH) of Vega Health against the peers it replaces; docs/benchmarks.md. Not API. */
@NullMarked
package com.example.vega.health.bench.probe;

import org.jspecify.annotations.NullMarked;
