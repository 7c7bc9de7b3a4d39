-- SQLite functions the end-to-end tests' queries use, for the PostgreSQL test database
-- (tests/pg/cluster.sh loads this into the public schema of vern_test). They behave like
-- SQLite's for what the tests need, so that most `sql` queries in tests/cli run unchanged.

-- json_extract(doc, '$.key' or '$.a.b' or '$'): a string as its text, a number as its
-- text, true/false as 1/0, null or a missing key as NULL, an object or array as JSON text.
CREATE OR REPLACE FUNCTION public.json_extract(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE json_typeof(v)
               WHEN 'string' THEN v #>> '{}'
               WHEN 'null' THEN NULL
               WHEN 'boolean' THEN CASE WHEN v::text = 'true' THEN '1' ELSE '0' END
               ELSE v::text
           END
    FROM (SELECT CASE WHEN path = '$' THEN doc::json
                      ELSE doc::json #> string_to_array(substr(path, 3), '.')
                 END AS v) AS s
$$;

-- ifnull(a, b): coalesce of two values.
CREATE OR REPLACE FUNCTION public.ifnull(anycompatible, anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce($1, $2) $$;

-- group_concat(x) and group_concat(x, separator): NULLs skipped, ',' by default.
CREATE OR REPLACE FUNCTION public.vern_group_concat_step(acc text, v anyelement, sep text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text ELSE acc || sep || v::text END
$$;
CREATE OR REPLACE FUNCTION public.vern_group_concat_step(acc text, v anyelement)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT public.vern_group_concat_step(acc, v, ',')
$$;
CREATE OR REPLACE AGGREGATE public.group_concat(anyelement, text) (
    SFUNC = public.vern_group_concat_step, STYPE = text);
CREATE OR REPLACE AGGREGATE public.group_concat(anyelement) (
    SFUNC = public.vern_group_concat_step, STYPE = text);
