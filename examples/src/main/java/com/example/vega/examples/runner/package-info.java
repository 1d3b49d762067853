/** Example vega-v16-runner task: extracts the scan's trace context once at start. */
@NullMarked
package com.example.vega.examples.runner;

import org.jspecify.annotations.NullMarked;
