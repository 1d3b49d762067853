/**
 * Not for public use: helpers shared by this module's packages and by Vega's own modules (the
 * Spring auto-configuration, the agent, the examples). The classes here may change or go away in
 * any release without notice, whatever their visibility (docs/api.md lists the public API).
 *
 * <p>Nothing here depends on another package of this module, so every package may use it.
 */
@NullMarked
package com.example.vega.health.internal;

import org.jspecify.annotations.NullMarked;
