"""convert: result keys and values, default outputs as the CLI's, options
as keyword arguments (mapping, types, unknown keywords), errors: class per
status kind and the place, messages in Python's spelling."""
import json
import pickle

import pytest

from conftest import leftovers, need, run_cli

RESULT_KEYS = {"row_count", "column_count", "output_path", "outputs", "input_format", "output_format",
               "processing_engine", "duration_seconds", "bytes_in", "bytes_out", "rows_rejected",
               "warnings", "schema", "table_version", "engine_reason", "fallback_used", "input_path",
               "rejects_path", "threads", "restarts", "fallback_reason", "switch_seconds"}


def test_result_keys_and_values(pf, data):
    r = pf.convert(data / "people.csv", progress=False)
    assert set(r) == RESULT_KEYS
    assert isinstance(r, dict)
    assert r.row_count == r["row_count"] == 3
    assert r.column_count == 5
    assert r.output_path == str(data / "people.parquet")
    assert (data / "people.parquet").is_file()
    assert r.input_format == "csv" and r.output_format == "parquet"
    assert r.processing_engine == "native" and r.fallback_used is False
    assert "native" in r.engine_reason
    assert r.bytes_in == (data / "people.csv").stat().st_size
    assert r.bytes_out == (data / "people.parquet").stat().st_size
    assert r.rows_rejected == 0 and r.rejects_path is None
    assert r.table_version is None
    assert r.outputs == [{"path": str(data / "people.parquet"), "rows": 3, "columns": 5,
                          "bytes": r.bytes_out, "tables": []}]
    assert [(c["name"], c["type"]) for c in r.schema] == [
        ("id", "int64"), ("name", "string"), ("price", "double"), ("day", "date"), ("ok", "boolean")]
    assert r.duration_seconds >= 0
    json.dumps(r)  # a plain dict underneath
    assert pickle.loads(pickle.dumps(r)) == r
    with pytest.raises(AttributeError, match="no key 'rows'"):
        r.rows


def test_default_outputs_match_the_cli(pf, data, workbook, pyforge_exe, tmp_path):
    expected = {"people.csv": "people.parquet", "books.xml": "books.parquet", "book.xlsx": "book_parquet"}
    for name, out in expected.items():
        r = pf.convert(data / name, progress=False)
        assert r.output_path == str(data / out)
        cli_dir = tmp_path / "cli"
        cli_dir.mkdir(exist_ok=True)
        (cli_dir / name).write_bytes((data / name).read_bytes())
        p = run_cli(pyforge_exe, "convert", cli_dir / name, "--json")
        assert p.returncode == 0, p.stderr
        assert json.loads(p.stdout)["output"] == str(cli_dir / out)
    book = pf.convert(workbook, data / "book_out", progress=False, force=True)
    assert [sorted(o["tables"]) for o in book.outputs] == [["Q1", "Q2"], ["Targets"]]
    assert book.output_path == str(data / "book_out")


def test_options_map_to_keys(pf, data):
    pa = need("pyarrow")
    import pyarrow.parquet as pq

    r = pf.convert(data / "people.csv", data / "o.parquet", compression="zstd", all_strings=True,
                   row_group_size=2, dictionary=False, progress=False)
    md = pq.ParquetFile(r.output_path).metadata
    assert md.num_row_groups == 2
    assert md.row_group(0).column(0).compression == "ZSTD"
    assert all(c["type"] == "string" for c in r.schema)
    t = pq.read_table(r.output_path)
    assert t.column("price").to_pylist() == ["1.5", "", "-2.25"] or t.column("price").type == pa.string()


def test_list_options_and_delta(pf, data):
    (data / "sales.csv").write_text("region,year,units\nnorth,2023,1\nsouth,2024,2\nnorth,2024,3\n")
    r = pf.convert(data / "sales.csv", data / "lake", output_format="delta", partition_by=["region", "year"],
                   progress=False)
    assert r.output_format == "delta" and r.table_version == 0
    assert (data / "lake" / "_delta_log" / "00000000000000000000.json").is_file()
    assert sorted(p.name for p in (data / "lake").iterdir() if p.name.startswith("region=")) == [
        "region=north", "region=south"]
    r2 = pf.convert(data / "sales.csv", data / "lake", output_format="delta", mode="append",
                    partition_by="region,year", progress=False)
    assert r2.table_version == 1


def test_unknown_and_misused_keywords(pf, data):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'compresion' \(did you mean 'compression'\?\)"):
        pf.convert(data / "people.csv", compresion="zstd")
    with pytest.raises(TypeError) as e:
        pf.convert(data / "people.csv", bogus=1)
    for name in ("compression", "delimiter", "sheet", "row_tag", "partition_by", "all_strings"):
        assert name in str(e.value)
    with pytest.raises(TypeError, match="does not use 'max_problems'"):
        pf.convert(data / "people.csv", max_problems=3)
    with pytest.raises(TypeError, match="parameter 'output_format'"):
        pf.convert(data / "people.csv", format="delta")
    with pytest.raises(TypeError, match="force= takes True or False"):
        pf.convert(data / "people.csv", force="maybe" and 3)
    with pytest.raises(TypeError, match="same option"):
        pf.convert(data / "people.csv", sheet="a", sheets="b")
    assert not (data / "people.parquet").exists()


def test_bad_values_are_engine_errors(pf, data):
    with pytest.raises(pf.InvalidArgumentError) as e:
        pf.convert(data / "people.csv", compression="zzz")
    assert isinstance(e.value, ValueError)
    assert "compression takes snappy, zstd, gzip, lz4_raw or none; got 'zzz'" in str(e.value)
    with pytest.raises(pf.InvalidArgumentError, match="delimiter takes"):
        pf.convert(data / "people.csv", delimiter="ab")
    with pytest.raises(ValueError, match="writes one table: output_dir= names it"):
        pf.batch_convert(str(data / "*.csv"), engine="spark")
    assert not (data / "people.parquet").exists()
    assert pf.convert(data / "people.csv", engine="native", progress=False).engine_reason == "engine='native' was asked for"
    with pytest.raises(ValueError, match="engine= takes"):
        pf.convert(data / "people.csv", engine="gpu")


def test_spark_without_pyspark_falls_back(pf, data, tmp_path):
    """No pyspark in this venv: engine='spark' warns, the native engine does
    the work, and the result says so (docs/spark.md, fallback)."""
    with pytest.warns(RuntimeWarning, match="the Spark engine failed .*pyspark is not installed"):
        r = pf.convert(data / "people.csv", tmp_path / "p.parquet", engine="spark", progress=False)
    assert (r.processing_engine, r.fallback_used) == ("native", True)
    assert "pyspark is not installed" in r.fallback_reason and r.engine_reason == "engine='spark' was asked for"
    assert 0 <= r.switch_seconds < 1.0 and r.row_count == 3
    with pytest.warns(RuntimeWarning, match="pyspark is not installed"):
        b = pf.batch_convert(str(data / "people.csv"), tmp_path / "many", engine="spark", progress=False)
    assert (b.processing_engine, b.fallback_used, b.converted) == ("native", True, 1)
    assert (tmp_path / "many" / "people.parquet").is_file()


def test_error_classes_and_places(pf, data, workbook):
    with pytest.raises(pf.InputNotFoundError) as e:
        pf.convert(data / "missing.csv")
    assert isinstance(e.value, FileNotFoundError) and isinstance(e.value, pf.PyForgeError)
    assert e.value.file == str(data / "missing.csv") and e.value.status == "ENOTFOUND" and e.value.code == 100
    assert e.value.hint

    with pytest.raises(pf.BadRowError) as e:
        pf.convert(data / "ragged.csv", progress=False)
    err = e.value
    assert isinstance(err, pf.ParseError)
    assert (err.file, err.line, err.row, err.column) == (str(data / "ragged.csv"), 3, 2, 4)
    assert "on_bad_rows='skip'" in str(err)  # the key in Python's spelling, not --on-bad-rows
    assert "--" not in err.message
    assert err.place()["line"] == 3
    assert not (data / "ragged.parquet").exists() and not leftovers(data)

    with pytest.raises(pf.ParseError) as e:
        pf.convert(data / "broken.xml", progress=False)
    assert e.value.line == 2 and e.value.xml_path is not None and e.value.sheet is None

    pf.convert(data / "people.csv", progress=False)
    with pytest.raises(pf.OutputExistsError) as e:
        pf.convert(data / "people.csv", progress=False)
    assert isinstance(e.value, FileExistsError)
    assert "force=True" in str(e.value)
    pf.convert(data / "people.csv", force=True, progress=False)

    with pytest.raises(pf.EncodingError) as e:
        pf.convert(data / "latin1.csv", encoding="utf-8", progress=False)
    assert e.value.line == 2

    with pytest.raises(pf.LimitError) as e:
        pf.convert(data / "people.csv", data / "lim.parquet", max_columns=2, progress=False)
    assert "max_columns" in str(e.value)

    with pytest.raises(pf.InputNotFoundError) as e:
        pf.convert(workbook, data / "x.parquet", sheet="Nope", progress=False)
    assert "no sheet named 'Nope'" in str(e.value) and "'Targets'" in str(e.value)


def test_exceptions_pickle(pf, data):
    with pytest.raises(pf.BadRowError) as e:
        pf.convert(data / "ragged.csv", progress=False)
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is pf.BadRowError and back.line == 3 and str(back) == str(e.value)


def test_error_class_for_every_status(pf):
    from pyforge_cli import errors

    for status in ("EINVAL", "EUNSUPPORTED", "ENOTFOUND", "EINPUT", "EFORMAT", "EPARSE", "EENCODING",
                   "EBADROW", "EEMPTY", "EEXIST", "EOUTPUT", "ENOSPACE", "ENOMEM", "ELIMIT",
                   "ECANCELED", "EINTERNAL"):
        cls = errors.error_class(status)
        assert cls.status == status and issubclass(cls, pf.PyForgeError)
        assert getattr(pf, cls.__name__) is cls


def test_bad_rows_skipped_to_rejects(pf, data):
    r = pf.convert(data / "ragged.csv", on_bad_rows="skip", progress=False)
    assert r.row_count == 2 and r.rows_rejected == 1
    assert r.rejects_path and r.rejects_path.endswith(".rejects.csv")
    assert any("rejects" in w for w in r.warnings)


def test_html_and_text_renderings(pf, data):
    r = pf.convert(data / "people.csv", progress=False)
    h = r._repr_html_()
    assert '<th scope="row">row_count</th>' in h and '<th scope="col">name</th>' in h
    assert "color" not in h.lower()
    text = repr(r)
    assert "row_count" in text and "3" in text and "\x1b[" not in text
    info = pf.get_info(data / "people.csv")
    assert "<th" in info._repr_html_() and "price" in repr(info)
