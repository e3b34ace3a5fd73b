package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageLayersTest {
  @TempDir Path root;

  private void source(String pkg, String name, String... lines) throws IOException {
    Path dir = root.resolve(("x.m." + pkg).replace('.', '/'));
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve(name + ".java"),
        "package x.m." + pkg + ";\n" + String.join("\n", lines) + "\nclass " + name + " {}\n");
  }

  private PackageLayers layers() {
    return new PackageLayers(root, "x.m", List.of(List.of("a"), List.of("b"), List.of("c", "d")));
  }

  @Test
  void referencesToEarlierStagesAndSiblingsPass() throws IOException {
    source("a", "A");
    source("b", "B", "import x.m.a.A;");
    source("c", "C", "import x.m.b.B;", "import static x.m.d.D.f;");
    source("d", "D", "// uses x.m.c.C");
    assertEquals(List.of(), layers().violations());
    assertEquals(Set.of("a"), layers().uses().get("b"));
  }

  @Test
  void aReferenceToALaterStageOrAnUnplacedPackageIsReported() throws IOException {
    source("a", "A", "import x.m.b.B;");
    source("b.sub", "S", "Object o = new x.m.c.C();");
    source("e", "E");
    List<String> problems = layers().violations();
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.get(0).endsWith("A.java: a uses b, a later stage"), problems.get(0));
    assertTrue(problems.get(1).endsWith("S.java: b uses c, a later stage"), problems.get(1));
    assertTrue(
        problems.get(2).endsWith("E.java: package e is not placed in the layer order"),
        problems.get(2));
  }

  @Test
  void findsFilesThatReachIntoSubPackages() throws IOException {
    source("c", "Factory", "import x.m.c.one.One;");
    source("c", "Manager");
    source("c.one", "One", "import x.m.c.Manager;");
    source("c.two", "Two", "import x.m.c.one.One;");
    assertEquals(List.of("Factory.java"), layers().filesUsingSubPackages("c"));
    assertEquals(1, layers().crossReferencesBetweenSubPackages("c").size());
  }
}
