package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.promeshard.testkit.Binaries;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The templates inside the agent jar must never drift from the ones packages ship in templates/.
 */
class BundledTemplatesTest {
  @Test
  void bundledTemplatesAreByteIdenticalToTheRepositoryTemplates() throws Exception {
    Path root = Binaries.projectRoot();
    assertNotNull(root, "project root (folder with scripts/fetch-deps) not found");
    for (String name : new String[] {Templates.FILE_SD, Templates.RULES}) {
      byte[] shipped = Files.readAllBytes(root.resolve("templates").resolve(name));
      byte[] source =
          Files.readAllBytes(root.resolve("agent/src/main/resources/templates").resolve(name));
      assertArrayEquals(
          shipped,
          source,
          "agent/src/main/resources/templates/" + name + " differs from templates/" + name);
      try (InputStream in =
          Templates.class.getClassLoader().getResourceAsStream("templates/" + name)) {
        assertNotNull(in, "templates/" + name + " missing from the agent's classpath");
        assertArrayEquals(
            shipped,
            in.readAllBytes(),
            "classpath templates/" + name + " differs from templates/" + name);
      }
    }
  }

  @Test
  void bundledAndRepositoryTemplatesPassTheSelfCheck() {
    new Renderer(Templates.bundled()).check();
    new Renderer(Templates.directory(Binaries.projectRoot().resolve("templates"))).check();
  }
}
