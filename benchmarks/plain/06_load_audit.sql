-- rejected_rows (every rejected row with its reason) and fct_load_audit (per input table: rows
-- read = accepted + rejected, the rejections by reason, and for the tables with a country the
-- accepted rows whose country reference/country_aliases.csv cannot read). Contract files drop no
-- rows.

-- The quarantine of one table, and one row of nulls when it is empty (so it is counted: 0 rows).
create or replace macro quarantine_of(tbl) as table
select tbl as source_table, q._row_number as row_number, q.row_key, q.reason_code, q.reason,
    q.raw_row
from (select 1) as one left join query_table('q_' || tbl) as q on true;

create or replace table quarantined as
select * from quarantine_of('crm_accounts')
union all select * from quarantine_of('crm_opportunities')
union all select * from quarantine_of('crm_contacts')
union all select * from quarantine_of('billing_customers')
union all select * from quarantine_of('billing_subscriptions')
union all select * from quarantine_of('billing_invoices')
union all select * from quarantine_of('enrichment_companies')
union all select * from quarantine_of('marketing_spend')
union all select * from quarantine_of('sales_costs')
union all select * from quarantine_of('fx_rates')
union all select * from quarantine_of('icp_criteria');

create or replace table rejected_rows as
select *, getvariable('as_of') as as_of_date from quarantined where reason_code is not null;

create or replace table fct_load_audit as
with by_reason as (
    select source_table, reason_code, count(*) as n
    from rejected_rows
    group by all
),
rejected as (
    select source_table, sum(n) as rows_rejected,
        string_agg(reason_code || ': ' || n, ', ' order by n desc, reason_code)
            as rejected_by_reason
    from by_reason
    group by all
),
countries as (
    select country_key from reference('country_aliases')
),
unreadable_countries as (
    select 'crm_accounts' as source_table, count(*) as unreadable_countries
    from crm_accounts where clean(country_code) is not null
        and country_key(country_code) not in (select country_key from countries)
    union all
    select 'enrichment_companies', count(*)
    from enrichment_companies where clean(hq_country) is not null
        and country_key(hq_country) not in (select country_key from countries)
),
counts as (
    select source_table, count(row_number) as rows_read,
        count(row_number) filter (where reason_code is null) as rows_accepted
    from quarantined
    group by all
)
select counts.source_table, counts.source_table as read_from, rows_read, rows_accepted,
    coalesce(rows_rejected, 0) as rows_rejected, 0 as rows_dropped, rejected_by_reason,
    null as dropped_by_reason, unreadable_countries,
    case when rows_read > 0 then coalesce(rows_rejected, 0) / rows_read end as rejected_share
from counts
left join rejected using (source_table)
left join unreadable_countries using (source_table);

drop table quarantined;
