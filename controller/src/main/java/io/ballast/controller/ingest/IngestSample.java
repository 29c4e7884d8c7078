package io.ballast.controller.ingest;

import io.ballast.persistence.event.Sample;

/** A validated sample and the service it belongs to. */
public record IngestSample(String service, Sample sample) {}
