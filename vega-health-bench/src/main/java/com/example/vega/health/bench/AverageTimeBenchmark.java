package com.example.vega.health.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the benchmarks of this module share: each cell is the average time of one operation, and
 * a benchmark's fixtures are built once per run and shared by its threads. JMH reads these
 * annotations from the superclass; each benchmark states its own time unit, and its warm-up,
 * measurement and forks where it differs from the command line's.
 */
@BenchmarkMode(Mode.AverageTime)
@State(Scope.Benchmark)
public abstract class AverageTimeBenchmark {}
