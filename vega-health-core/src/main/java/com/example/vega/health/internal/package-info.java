/** Implementation details. Not API: anything here may change without notice. */
@NullMarked
package com.example.vega.health.internal;

import org.jspecify.annotations.NullMarked;
