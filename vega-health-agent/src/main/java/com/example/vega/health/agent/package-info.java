/** The -javaagent that embeds Vega Health in JVMs without Spring, and its command line. */
@NullMarked
package com.example.vega.health.agent;

import org.jspecify.annotations.NullMarked;
