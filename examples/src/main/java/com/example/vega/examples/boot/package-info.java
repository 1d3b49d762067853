/** Shared Spring Boot wiring of the example services. */
@NullMarked
package com.example.vega.examples.boot;

import org.jspecify.annotations.NullMarked;
