/** Example vega-llm-proxy service in front of a fake provider. */
@NullMarked
package com.example.vega.examples.proxy;

import org.jspecify.annotations.NullMarked;
