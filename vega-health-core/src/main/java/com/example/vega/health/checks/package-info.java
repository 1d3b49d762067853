/** One check per dependency. Each takes the client or pool the service already has. */
@NullMarked
package com.example.vega.health.checks;

import org.jspecify.annotations.NullMarked;
