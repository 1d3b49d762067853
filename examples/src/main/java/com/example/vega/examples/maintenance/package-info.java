/** Example vega-maintenance: migrations recorded in schema_migrations. */
@NullMarked
package com.example.vega.examples.maintenance;

import org.jspecify.annotations.NullMarked;
