package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commit record of a node's share, written last: which parts make up generation
 * {@code generation} of leadership term {@code epoch}, each with the sha256 of its stored value.
 * An agent applies a snapshot only when every listed part is present with that checksum.
 */
public record NodeManifest(
    @JsonProperty(required = true) long generation,
    @JsonProperty(required = true) long epoch,
    @JsonProperty(required = true) Map<String, String> parts,
    @JsonProperty("written_at") String writtenAt) {
  /** The manifest's key relative to {@code nodes/<node>/}. */
  public static final String KEY = "manifest";

  public NodeManifest {
    if (generation < 0 || epoch < 0) {
      throw new ProtocolException("manifest: generation and epoch must be >= 0");
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    if (parts != null) {
      for (Map.Entry<String, String> e : parts.entrySet()) {
        PartKey.parse(e.getKey());
        if (!Checksums.isSha256Hex(e.getValue())) {
          throw new ProtocolException(
              "manifest: part " + e.getKey() + " has invalid sha256 " + Names.quote(e.getValue()));
        }
        sorted.put(e.getKey(), e.getValue());
      }
    }
    parts = Collections.unmodifiableMap(sorted);
    writtenAt = writtenAt == null ? "" : writtenAt;
  }
}
