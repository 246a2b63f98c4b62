-- The quarantine of the spend tables (as 02_quarantine_reference.sql); they have no key.

create or replace table q_marketing_spend as
with cleaned as (
    select _row_number, clean(spend_date) as r_spend_date, clean(channel) as r_channel,
        clean(amount) as r_amount, clean(currency) as r_currency
    from raw.marketing_spend
),
typed as (
    select cleaned.*,
        cast(parse_ts(r_spend_date) as date) as spend_date,
        mask(normalize_enum(r_channel)) as channel,
        parse_decimal(r_amount) as amount,
        mask(upper(r_currency)) as currency
    from cleaned
),
checked as (
    select typed.*,
        coalesce(
            missing_rule('marketing_spend.spend_date', r_spend_date),
            time_rule('marketing_spend.spend_date', r_spend_date, spend_date, 'date'),
            after_as_of_rule('marketing_spend.spend_date', r_spend_date, spend_date),
            missing_rule('marketing_spend.channel', r_channel),
            missing_rule('marketing_spend.amount', r_amount),
            decimal_rule('marketing_spend.amount', r_amount, amount),
            min_rule('marketing_spend.amount', r_amount, amount, 0),
            missing_rule('marketing_spend.currency', r_currency),
            fx_rule('marketing_spend.currency', currency,
                cast(date_trunc('month', spend_date) as date), fx.first_rate_month)
        ) as failed
    from typed
    left join fx_first_month as fx on typed.currency = fx.fx_currency
)
select _row_number, 'row ' || _row_number as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('spend_date', r_spend_date), kv('channel', r_channel), kv('amount', r_amount),
            kv('currency', r_currency)
        )) end as raw_row,
    spend_date, channel, amount, currency
from checked;

create or replace view marketing_spend as
select * from q_marketing_spend where reason_code is null;

create or replace table q_sales_costs as
with cleaned as (
    select _row_number, clean(month) as r_month, clean(amount) as r_amount,
        clean(currency) as r_currency
    from raw.sales_costs
),
typed as (
    select cleaned.*,
        cast(parse_ts(r_month) as date) as month,
        parse_decimal(r_amount) as amount,
        mask(upper(r_currency)) as currency
    from cleaned
),
checked as (
    select typed.*,
        coalesce(
            missing_rule('sales_costs.month', r_month),
            time_rule('sales_costs.month', r_month, month, 'date'),
            after_as_of_rule('sales_costs.month', r_month, month),
            missing_rule('sales_costs.amount', r_amount),
            decimal_rule('sales_costs.amount', r_amount, amount),
            min_rule('sales_costs.amount', r_amount, amount, 0),
            missing_rule('sales_costs.currency', r_currency),
            fx_rule('sales_costs.currency', currency,
                cast(date_trunc('month', month) as date), fx.first_rate_month)
        ) as failed
    from typed
    left join fx_first_month as fx on typed.currency = fx.fx_currency
)
select _row_number, 'row ' || _row_number as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('month', r_month), kv('amount', r_amount), kv('currency', r_currency)
        )) end as raw_row,
    month, amount, currency
from checked;

create or replace view sales_costs as select * from q_sales_costs where reason_code is null;
