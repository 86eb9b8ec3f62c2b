// AccessFixture.java - makes MS Access fixtures and reads Access files back,
// with Jackcess (Apache-2.0): the writer of the Access plugin's test
// databases and the second, independent reader its outputs are compared
// with. Run as a single-file program (JDK 11+):
//
//   java -cp 'build/jackcess/*' tests/tools/AccessFixture.java make OUT FORMAT < spec
//   java -cp 'build/jackcess/*' tests/tools/AccessFixture.java dump DB > values
//   java -cp 'build/jackcess/*' tests/tools/AccessFixture.java password DB
//
// FORMAT: V2000, V2003, V2007, V2010, V2016. The spec and the dump share one
// line format (UTF-8, tab-separated):
//   T <name>                          a table
//   C <name> <TYPE> [<precision> <scale>]   a column (TYPE: Jackcess DataType)
//   R <value>...                      a row, one value per column
// values: N (null), i:<integer>, f:<float bits hex>, d:<double bits hex>,
// b:1/b:0, t:<yyyy-MM-ddTHH:mm:ss.SSS>, m:<decimal>, s:<base64 of UTF-8>,
// x:<hex bytes>, g:<{GUID}>.
import com.healthmarketscience.jackcess.*;
import java.io.*;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.*;

public class AccessFixture {
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");

  public static void main(String[] a) throws Exception {
    if (a.length >= 3 && a[0].equals("make")) make(new File(a[1]), Database.FileFormat.valueOf(a[2]));
    else if (a.length >= 2 && a[0].equals("dump")) dump(new File(a[1]));
    else if (a.length >= 2 && a[0].equals("password")) {
      try (Database db = new DatabaseBuilder(new File(a[1])).setReadOnly(true).open()) {
        String p = db.getDatabasePassword();
        System.out.println(p == null ? "" : p);
      }
    }
    else {
      System.err.println("usage: AccessFixture make OUT FORMAT < spec | dump DB | password DB");
      System.exit(2);
    }
  }

  static Object decode(String v, DataType t) {
    if (v.equals("N")) return null;
    String p = v.substring(2);
    switch (v.charAt(0)) {
      case 'i': return t == DataType.BIG_INT ? (Object) Long.parseLong(p) : (Object) Long.parseLong(p);
      case 'f': return Float.intBitsToFloat((int) Long.parseLong(p, 16));
      case 'd': return Double.longBitsToDouble(Long.parseUnsignedLong(p, 16));
      case 'b': return p.equals("1");
      case 't': return LocalDateTime.parse(p, TS);
      case 'm': return new BigDecimal(p);
      case 's': return new String(Base64.getDecoder().decode(p), StandardCharsets.UTF_8);
      case 'x': return hex(p);
      case 'g': return p;
      default: throw new IllegalArgumentException("bad value " + v);
    }
  }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }

  static void make(File out, Database.FileFormat fmt) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Database db = new DatabaseBuilder(out).setFileFormat(fmt).create()) {
      db.setDateTimeType(DateTimeType.LOCAL_DATE_TIME);
      String name = null;
      List<ColumnBuilder> cols = new ArrayList<>();
      List<DataType> types = new ArrayList<>();
      Table table = null;
      List<Object[]> pending = new ArrayList<>();
      String line;
      while (true) {
        line = in.readLine();
        boolean flush = line == null || line.startsWith("T\t");
        if (flush && name != null) {
          if (table == null) table = create(db, name, cols);
          table.addRows(pending);
          pending.clear();
          table = null;
        }
        if (line == null) break;
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "T": name = f[1]; cols = new ArrayList<>(); types = new ArrayList<>(); break;
          case "C": {
            DataType t = DataType.valueOf(f[2]);
            ColumnBuilder cb = new ColumnBuilder(f[1], t);
            if (f.length > 4) cb.setPrecision(Integer.parseInt(f[3])).setScale(Integer.parseInt(f[4]));
            if (t == DataType.TEXT) cb.setLengthInUnits(255);
            cols.add(cb);
            types.add(t);
            break;
          }
          case "R": {
            if (table == null) table = create(db, name, cols);
            Object[] row = new Object[f.length - 1];
            for (int i = 1; i < f.length; i++) row[i - 1] = decode(f[i], types.get(i - 1));
            pending.add(row);
            if (pending.size() >= 10000) {
              table.addRows(pending);
              pending.clear();
            }
            break;
          }
          default: throw new IllegalArgumentException("bad line " + line);
        }
      }
    }
  }

  static Table create(Database db, String name, List<ColumnBuilder> cols) throws IOException {
    TableBuilder tb = new TableBuilder(name);
    for (ColumnBuilder c : cols) tb.addColumn(c);
    return tb.toTable(db);
  }

  static String encode(Object v, DataType t) {
    if (v == null) return "N";
    switch (t) {
      case BOOLEAN: return "b:" + (((Boolean) v) ? "1" : "0");
      case BYTE: case INT: case LONG: case BIG_INT: return "i:" + ((Number) v).longValue();
      case FLOAT: return "f:" + Integer.toHexString(Float.floatToRawIntBits((Float) v));
      case DOUBLE: return "d:" + Long.toHexString(Double.doubleToRawLongBits((Double) v));
      case SHORT_DATE_TIME: case EXT_DATE_TIME: return "t:" + ((LocalDateTime) v).format(TS);
      case MONEY: case NUMERIC: return "m:" + ((BigDecimal) v).toPlainString();
      case TEXT: case MEMO:
        return "s:" + Base64.getEncoder().encodeToString(v.toString().getBytes(StandardCharsets.UTF_8));
      case GUID: return "g:" + v;
      case BINARY: case OLE: {
        StringBuilder sb = new StringBuilder("x:");
        for (byte b : (byte[]) v) sb.append(String.format("%02x", b));
        return sb.toString();
      }
      default: return "?:" + t;
    }
  }

  static void dump(File f) throws Exception {
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, "UTF-8");
    try (Database db = new DatabaseBuilder(f).setReadOnly(true).open()) {
      db.setDateTimeType(DateTimeType.LOCAL_DATE_TIME);
      for (String name : db.getTableNames()) {
        Table t = db.getTable(name);
        if (t == null) continue; // a linked table whose database is elsewhere
        out.println("T\t" + name);
        List<? extends Column> cols = t.getColumns();
        for (Column c : cols) out.println("C\t" + c.getName() + "\t" + c.getType());
        for (Row r : t) {
          StringBuilder sb = new StringBuilder("R");
          for (Column c : cols) sb.append('\t').append(encode(r.get(c.getName()), c.getType()));
          out.println(sb);
        }
      }
    }
    out.flush();
  }
}
