/** Example vega-api service: the HTTP API with Vega Health embedded through Spring Boot. */
@NullMarked
package com.example.vega.examples.api;

import org.jspecify.annotations.NullMarked;
