-- The plain DuckDB SQL build (docs/performance.md): the published marts from the input files in
-- plain SQL, one connection, no dbt. benchmarks/run.py registers every input file as a view
-- raw.<table> the way the pipeline's loader does (every value text, _row_number in file order),
-- sets the variables (as_of, or null for the latest event date, and the dbt vars), then runs these
-- files in name order; the marts are the tables named after them.
--
-- This file: how a raw value is read. The contract (/work/shared/spec/data-contract.md) says text
-- arrives as typed by people and exports; these macros are the one reading of it.

-- Text as every rule sees it: NFC, control characters (but tab and line breaks) removed, trimmed,
-- empty as null.
create or replace macro clean(x) as
    nullif(trim(regexp_replace(
        nfc_normalize(x), '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]', '', 'g')), '');

-- ISO 8601 timestamps (date, minutes, seconds, fraction, Z or an offset up to 14 h) as UTC; the
-- session runs in UTC. Only the documented shape reaches DuckDB's parser, which accepts more.
create or replace macro parse_ts(x) as
    case when regexp_full_match(x, '[0-9]{4}-[0-9]{2}-[0-9]{2}'
            || '([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?'
            || '(Z|[+-]((0[0-9]|1[0-3])(:?[0-5][0-9])?|14(:?00)?))?)?')
        then try_cast(x as timestamptz)::timestamp end;

create or replace macro is_decimal(x) as
    regexp_full_match(x, ' *[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)? *');

-- Money and rates stay DECIMAL: exact sums.
create or replace macro parse_decimal(x) as
    case when is_decimal(x) then try_cast(trim(x) as decimal(38, 10)) end;

create or replace macro parse_int(x) as
    case when regexp_full_match(x, ' *[+-]?[0-9]+([.]0+)? *')
        then try_cast(try_cast(trim(x) as decimal(38, 0)) as bigint) end;

create or replace macro normalize_domain(x) as
    nullif(regexp_replace(
        regexp_replace(lower(trim(x)), '^[a-z]+://', '', 'g'), '^www\.|[/?#].*$', '', 'g'), '');

create or replace macro normalize_enum(x) as
    nullif(regexp_replace(
        regexp_replace(lower(x), '[^a-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g'), '');

-- A reference table of the project (dbt_project/reference/<name>.csv), as text.
create or replace macro reference(name) as table
    select * from read_csv(
        getvariable('reference_dir') || '/' || name || '.csv', all_varchar = true);

-- Country text as written (code, alpha-3 or name) to a lookup key.
create or replace macro country_key(x) as
    upper(trim(regexp_replace(regexp_replace(clean(x), '[.]', '', 'g'), '[ ,_-]+', ' ', 'g')));

-- Personal data never reaches a mart: emails in free text become ***@domain, phone numbers <phone>;
-- an identifier that is an email or a phone number is replaced by a hash (joins still match).
create or replace macro email_re() as '[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+)';

create or replace macro phone_re() as
    '[+][0-9]{1,3}[ .-]?[(]?[0-9]{2,5}[)]?[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,5}'
    || '|[(][0-9]{2,5}[)] ?[0-9]{3,4}[ .-]?[0-9]{3,5}'
    || '|[0-9]{2,4}[ .-][0-9]{3,4}[ .-][0-9]{3,5}';

create or replace macro mask(x) as
    regexp_replace(
        case when contains(x, '@') then regexp_replace(x, email_re(), '***@\1', 'g') else x end,
        phone_re(), '<phone>', 'g');

create or replace macro ident(x) as
    case when regexp_matches(x, email_re() || '|' || phone_re())
        then 'hash:' || md5(x)[1:12] else x end;

-- A quoted raw value in a reason.
create or replace macro q(x) as '''' || x || '''';

-- The reason for a missing, unparsable or out-of-range value of one column (null when fine). One
-- rule list per column kind; the quarantine files list their columns' rules in contract order.
-- A timestamp or date (kind) that does not parse, or whose year is outside the event years.
create or replace macro time_rule(col, raw, val, kind) as
    case
        when raw is not null and val is null
            then [col || ': not a ' || kind || ': ' || q(raw), 'not_a_' || kind]
        when year(val) < getvariable('min_event_year') or year(val) > getvariable('max_event_year')
            then [col || ': year outside ' || getvariable('min_event_year') || '-'
                || getvariable('max_event_year') || ': ' || q(raw), 'out_of_range']
    end;

-- A number of the right shape is never "not a number": too large for the type, or at or beyond
-- the money bound (1e15), it is out of range.
create or replace macro decimal_rule(col, raw, val) as
    case
        when raw is not null and not is_decimal(raw)
            then [col || ': not a number: ' || q(raw), 'not_a_number']
        when raw is not null and (val is null or abs(val) >= 1000000000000000)
            then [col || ': must be below 1e15 in absolute value: ' || q(raw), 'out_of_range']
    end;

create or replace macro int_rule(col, raw, val) as
    case when raw is not null and val is null
        then [col || ': not a whole number: ' || q(raw), 'not_a_whole_number'] end;

create or replace macro missing_rule(col, raw) as
    case when raw is null then [col || ': missing', 'missing_value'] end;

create or replace macro enum_rule(col, val, allowed) as
    case when not list_contains(allowed, val)
        then [col || ': unknown value ' || q(val) || ' (expected ' || array_to_string(allowed, ', ')
            || ')', 'unknown_value'] end;

create or replace macro min_rule(col, raw, val, low) as
    case when val < low then [col || ': must be >= ' || low || ': ' || q(raw), 'out_of_range'] end;

create or replace macro positive_rule(col, raw, val) as
    case when val <= 0 then [col || ': must be > 0: ' || q(raw), 'out_of_range'] end;

create or replace macro after_as_of_rule(col, raw, val) as
    case when cast(val as date) > getvariable('as_of')
        then [col || ': after the as-of date ' || getvariable('as_of') || ': ' || q(raw),
            'after_as_of_date'] end;

-- Rules over the table: a repeated key (the first row in file order is kept), a ref with no match
-- among the parent's accepted rows.
create or replace macro repeated_rule(cols, key_rows, key_position) as
    case when key_position > 1
        then [cols || ': repeated (' || key_rows || ' rows)', 'repeated_key'] end;

create or replace macro ref_rule(col, parent, val, matched) as
    case when val is not null and not matched
        then [col || ': no match in ' || parent || ' for ' || q(val), 'no_match'] end;

-- A currency with no rate at or before the month its amount is converted in.
create or replace macro fx_rule(col, currency, month, first_rate_month) as
    case when currency <> 'USD' and month is not null
            and (first_rate_month is null or first_rate_month > month)
        then [col || ': no fx rate for ' || q(currency) || ' at or before '
            || strftime(month, '%Y-%m'), 'no_fx_rate'] end;

-- A rule of one table beyond its columns' contract (reason null: the row passes it).
create or replace macro table_rule(tbl, code, reason) as
    case when reason is not null then [tbl || ': ' || reason, code] end;

-- One column of a rejected row's raw text (`name=value`): personal columns redacted, a sales
-- rep's id shown hashed.
create or replace macro kv(name, raw) as name || '=' || coalesce(raw, '');

create or replace macro redacted(name, raw) as name || '=' || if(raw is null, '', '<redacted>');

create or replace macro hashed(name, raw) as name || '=' || coalesce('hash:' || md5(raw)[1:12], '');
