/** The local demo: every example service against local emulators, with faults and a trace view. */
@NullMarked
package com.example.vega.examples.demo;

import org.jspecify.annotations.NullMarked;
