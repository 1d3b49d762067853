/** Example vega-worker service: takes scans off SQS and launches the runner. */
@NullMarked
package com.example.vega.examples.worker;

import org.jspecify.annotations.NullMarked;
