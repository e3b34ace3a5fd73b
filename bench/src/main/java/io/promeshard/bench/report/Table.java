package io.promeshard.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A markdown table built row by row and rendered with padded columns, so it reads well both raw and
 * rendered. A row with the wrong number of cells throws IllegalArgumentException naming the table.
 */
public final class Table {
  private final String title;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String title, String... header) {
    this.title = title;
    this.header = List.of(header);
  }

  public Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "table " + title + ": row has " + cells.length + " cells, header has " + header.size());
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object c : cells) {
      row.add(String.valueOf(c));
    }
    rows.add(row);
    return this;
  }

  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  /** The title as a bold line, a blank line, then the table. */
  public String render() {
    int[] width = new int[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = Math.max(3, header.get(c).length());
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("**").append(title).append("**\n\n");
    line(sb, header, width);
    sb.append('|');
    for (int w : width) {
      sb.append('-').append("-".repeat(w)).append("-|");
    }
    sb.append('\n');
    rows.forEach(r -> line(sb, r, width));
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width) {
    sb.append('|');
    for (int c = 0; c < width.length; c++) {
      sb.append(' ')
          .append(cells.get(c))
          .append(" ".repeat(width[c] - cells.get(c).length()))
          .append(" |");
    }
    sb.append('\n');
  }
}
