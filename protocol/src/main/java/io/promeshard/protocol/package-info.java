/**
 * The KV contract shared by the coordinator and the agents: keys ({@link
 * io.promeshard.protocol.KvLayout}), payloads and their JSON codec ({@link
 * io.promeshard.protocol.Json}), and how a node's share is stored and checked ({@link
 * io.promeshard.protocol.Parts}).
 *
 * <p>Under {@code nodes/<node>/} the coordinator writes the node's parts, then its {@code manifest}
 * last. An agent applies a snapshot (one recursive read) only when the manifest's parts, and in the
 * compact layout the deltas they chain back to, are all present with the checksums named for them;
 * otherwise it keeps what it applied last.
 *
 * <table>
 *   <caption>Parts of a node's share</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code targets/<job>}, {@code targets/<job>/<chunk>}</td>
 *       <td>file_sd JSON array of the job's target groups (gzip in the compact layout)</td></tr>
 *   <tr><td>{@code rules/<group>}, {@code rules/<group>/<chunk>}</td>
 *       <td>JSON array of {@code {"record","expr"}} (gzip in the compact layout)</td></tr>
 *   <tr><td>{@code delta/<generation>}</td>
 *       <td>compact layout only: gzip {@link io.promeshard.protocol.ShareDelta} JSON, {@code
 *       {"prev":{"delta/<g>":"<sha256>"},"targets":{"<job>":{"remove":[gaps],"add":["<address>"
 *       or group,...],"like":[index,...],"at":[gaps]}},"rules":{...}}}: {@code prev} names the
 *       delta it applies on top of (absent on the first after the base), {@code at} is absent
 *       when the added entries merge into the list by address</td></tr>
 *   <tr><td>{@code manifest}</td>
 *       <td>{@link io.promeshard.protocol.NodeManifest}: {@code {"epoch","format","generation",
 *       "parts":{"<key>":"<sha256>"},"intervals","scrape"}}; formats 0 and 1 (plain layout) list
 *       every part with lowercase hex sha256 and carry {@code written_at}; format 2 (compact
 *       layout) lists the base parts and only the latest delta, with unpadded base64url sha256,
 *       and no {@code written_at}</td></tr>
 * </table>
 *
 * <p>Example format 2 manifest of a node with a base and three deltas ({@code delta/2} and {@code
 * delta/3} reached through {@code delta/4}'s {@code prev}, then {@code delta/3}'s):
 *
 * <pre>{@code
 * {"epoch":1,"format":2,"generation":4,
 *  "parts":{"delta/4":"Y50orJMqw2Ls5ZIsw7yzHm4K13LdvRmnBCmfGgd7LkE",
 *           "targets/web":"e5F6Bme5wS95SEUjl9Et_oks2Jz3QbaICi6ffDcmI-A"}}
 * }</pre>
 */
package io.promeshard.protocol;
