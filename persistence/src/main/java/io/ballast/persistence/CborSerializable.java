package io.ballast.persistence;

/**
 * Marker for everything Pekko serializes: events, state snapshots, commands and replies. It is bound to
 * Jackson CBOR in {@code config/serialization.conf}; Java serialization is switched off.
 */
public interface CborSerializable {}
