package dev.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * registry-bom stays in step with the build: it has no parent (so importing it brings none of
 * the build's own pins), so nothing but this test keeps its version and its list right.
 */
class BomTest {
  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

  @Test
  void theBomHasTheProjectsVersionAndListsEveryArtifactTheBuildManages() throws Exception {
    Document parent = read(ROOT.resolve("pom.xml"));
    Document bom = read(ROOT.resolve("registry-bom/pom.xml"));

    assertThat(child(bom.getDocumentElement(), "parent")).as("registry-bom's parent").isNull();
    assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(text(parent.getDocumentElement(), "version"));
    assertThat(text(bom.getDocumentElement(), "packaging")).isEqualTo("pom");
    assertThat(managed(bom)).containsExactlyInAnyOrderElementsOf(managed(parent)).isNotEmpty();
  }

  /** The dev.registry artifacts a POM manages at ${project.version}, test-jars left out. */
  private static List<String> managed(Document pom) {
    List<String> artifacts = new ArrayList<>();
    Element management = child(pom.getDocumentElement(), "dependencyManagement");
    for (Node n = child(management, "dependencies").getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element dependency && "dev.registry".equals(text(dependency, "groupId"))
          && child(dependency, "type") == null) {
        assertThat(text(dependency, "version")).isEqualTo("${project.version}");
        artifacts.add(text(dependency, "artifactId"));
      }
    }
    return artifacts;
  }

  private static Document read(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }
}
