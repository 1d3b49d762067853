/** The doctor command: walks the runbook hop by hop and reports each step with its hint. */
@NullMarked
package com.example.vega.health.agent.doctor;

import org.jspecify.annotations.NullMarked;
