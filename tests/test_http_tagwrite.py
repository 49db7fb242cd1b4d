"""/write?db=<TAG table>: line protocol stored as tag rows (Machbase Neo behaviour), over real HTTP."""
import requests

from conftest import open_engine
from machstore.storage import fieldtypes as ft
from machstore.storage.tables import TAG, ColumnDef, TableDef


def test_write_into_tag_table_and_influx_db_side_by_side(server):
    with open_engine(server.data_dir) as eng:
        eng.create_table(TableDef("SENSORS", TAG, [ColumnDef("NAME", ft.STRING), ColumnDef("TIME", ft.INTEGER),
                                                   ColumnDef("VALUE", ft.FLOAT), ColumnDef("HOST", ft.STRING)],
                                  key="NAME", time="TIME"), if_not_exists=True)
    body = b"cpu,host=h1 user=1.5,idle=90i 1700000000\ncpu,host=h2 user=2 1700000001\n"
    r = requests.post(f"{server.url}/write", params={"db": "sensors", "precision": "s"}, data=body)
    assert r.status_code == 204, r.text
    r = requests.post(f"{server.url}/write", params={"db": "sensors", "precision": "s"}, data=b"cpu user=x\n")
    assert r.status_code == 400 and "unable to parse" in r.json()["error"]
    r = requests.post(f"{server.url}/write", params={"db": "not_a_table"}, data=b"cpu user=1 1\n")
    assert r.status_code == 204
    with open_engine(server.data_dir) as eng:
        assert eng.scan_table("sensors").to_pydict() == {
            "NAME": ["cpu.idle", "cpu.user", "cpu.user"],
            "TIME": [1700000000 * 10**9, 1700000000 * 10**9, 1700000001 * 10**9],
            "VALUE": [90.0, 1.5, 2.0], "HOST": ["h1", "h1", "h2"]}
        assert "SENSORS" not in eng.list_databases() and "not_a_table" in eng.list_databases()


def test_strict_databases_accepts_tag_tables(make_server):
    srv = make_server("--strict-databases")
    with open_engine(srv.data_dir) as eng:
        eng.create_table(TableDef("T", TAG, [ColumnDef("NAME", ft.STRING), ColumnDef("TIME", ft.INTEGER),
                                             ColumnDef("VALUE", ft.FLOAT)], key="NAME", time="TIME"))
    assert requests.post(f"{srv.url}/write", params={"db": "t"}, data=b"m v=1 1\n").status_code == 204
    assert requests.post(f"{srv.url}/write", params={"db": "other"}, data=b"m v=1 1\n").status_code == 404
