/** What the example services share: settings, AWS clients, the database, the scan token. */
@NullMarked
package com.example.vega.examples.common;

import org.jspecify.annotations.NullMarked;
