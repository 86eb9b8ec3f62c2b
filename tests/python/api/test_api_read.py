"""read: the Arrow PyCapsule interface consumed by pyarrow, polars, DuckDB
and pandas, value for value equal to the Parquet the CLI writes for the same
input and options; a fresh stream per call; errors with their place;
info and validate."""
import pytest

from conftest import need, run_cli


def cli_parquet(pyforge_exe, src, out, *flags):
    p = run_cli(pyforge_exe, "convert", src, out, "--force", *flags)
    assert p.returncode == 0, p.stderr
    import pyarrow.parquet as pq

    return pq.read_table(out)


@pytest.mark.parametrize("name, kwargs, flags", [
    ("people.csv", {}, []),
    ("people.csv", {"all_strings": True}, ["--all-strings"]),
    ("books.xml", {}, []),
    ("book.xlsx", {"sheet": ["Q1", "Q2"]}, ["--sheet", "Q1", "--sheet", "Q2"]),
])
def test_consumers_equal_the_cli_parquet(pf, data, workbook, pyforge_exe, tmp_path, name, kwargs, flags):
    pa = need("pyarrow")
    expected = cli_parquet(pyforge_exe, data / name, tmp_path / "cli.parquet", *flags)
    r = pf.read(data / name, **kwargs)
    t = pa.table(r)
    assert t.schema.equals(expected.schema, check_metadata=False), (t.schema, expected.schema)
    assert t.to_pylist() == expected.to_pylist()
    assert r.to_arrow().equals(t)  # a fresh stream each time
    assert list(pa.RecordBatchReader.from_stream(r).read_all().to_pylist()) == expected.to_pylist()


def test_polars_duckdb_pandas(pf, data, pyforge_exe, tmp_path):
    need("pyarrow")
    pl = need("polars")
    duckdb = need("duckdb")
    pd = need("pandas")
    expected = cli_parquet(pyforge_exe, data / "people.csv", tmp_path / "cli.parquet")
    r = pf.read(data / "people.csv")
    df = pl.DataFrame(r)
    assert df.to_dicts() == pl.from_arrow(expected).to_dicts()
    assert r.to_polars().equals(df)
    rows = duckdb.sql("select id, name, price, day, ok from r order by id").fetchall()
    assert rows == duckdb.sql(f"select id, name, price, day, ok from '{tmp_path / 'cli.parquet'}' order by id").fetchall()
    pdf = r.to_pandas()
    assert isinstance(pdf, pd.DataFrame)
    assert pdf.equals(expected.to_pandas())


def test_batches_stream_in_bounded_pieces(pf, tmp_path):
    need("pyarrow")
    from conftest import big_csv

    p = big_csv(tmp_path / "big.csv", 300_000)
    sizes = [b.num_rows for b in pf.read(p).batches()]
    assert sum(sizes) == 300_000
    assert len(sizes) > 1 and max(sizes) <= 65536


def test_read_errors(pf, data):
    with pytest.raises(pf.InputNotFoundError):
        pf.read(data / "missing.csv")  # at once, not in a consumer
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        pf.read(data / "people.csv", bogus=1)
    with pytest.raises(TypeError, match="does not use 'compression'"):
        pf.read(data / "people.csv", compression="zstd")
    need("pyarrow")
    with pytest.raises(pf.BadRowError) as e:
        pf.read(data / "ragged.csv").to_arrow()
    assert e.value.line == 3  # the engine's error with its place, not pyarrow's
    assert repr(pf.read(data / "people.csv")).startswith("<pyforge_cli.Reader")


def test_workbook_tables(pf, workbook):
    need("pyarrow")
    r = pf.read(workbook)
    assert {t["name"]: t["group"] for t in r.tables()["tables"]} == {"Q1": "Q1", "Q2": "Q1", "Targets": "Targets"}
    with pytest.raises(pf.InvalidArgumentError, match="2 outputs"):
        r.to_arrow()
    t = pf.read(workbook, table="Q2").to_arrow()
    assert t.column_names == ["sheet_name", "region", "units"] and t.num_rows == 3


def test_get_info(pf, data, workbook):
    i = pf.get_info(data / "people.csv")
    assert i.format == "csv" and i.rows == 3 and i.size_bytes == (data / "people.csv").stat().st_size
    assert [c["name"] for c in i.columns] == ["id", "name", "price", "day", "ok"]
    assert i.properties["delimiter"] == ","
    w = pf.get_info(workbook)
    assert w.format == "xlsx"
    assert [(s["name"], s["rows"], s["columns"], s["group"]) for s in w.sheets] == [
        ("Q1", 2, 2, "Q1"), ("Q2", 1, 2, "Q1"), ("Targets", 1, 3, "Targets")]
    pq = pf.convert(data / "people.csv", progress=False)
    pi = pf.get_info(pq.output_path)
    assert pi.format == "parquet" and pi.rows == 3 and any(s["kind"] == "row_group" for s in pi.sections)
    with pytest.raises(TypeError):
        pf.get_info(data / "people.csv", compression="zstd")


def test_validate(pf, data):
    v = pf.validate(data / "people.csv")
    assert v.is_valid and v.issues == [] and v.rows == 3
    bad = pf.validate(data / "ragged.csv")
    assert not bad.is_valid and bad.issues_total == 1
    issue = bad.issues[0]
    assert issue["line"] == 3 and issue["status"] == "EBADROW" and issue["file"] == str(data / "ragged.csv")
    assert {"row", "column", "column_name", "sheet", "xml_path"} <= set(issue)
    assert "fields where the header has 3" in issue["message"]
    assert not (data / "ragged.parquet").exists()  # validate writes nothing
    x = pf.validate(data / "broken.xml")
    assert not x.is_valid and x.issues[0]["line"] == 2 and x.issues[0]["xml_path"] == "/catalog/book/title"
    few = pf.validate(data / "ragged.csv", max_problems=1)
    assert len(few.issues) == 1
