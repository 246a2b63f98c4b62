{#- Each accepted rate is in force from its month until the currency's next rate: that is the
    month-fallback rule (a month with no rate uses the latest earlier one) as a table of periods.
    USD is its own unit and needs no row; a USD row in the input is ignored. -#}

with rates as (

    select * from {{ ref('stg_finance__fx_rates') }}
    where currency <> 'USD'

),

periods as (

    select
        currency,
        month as valid_from,
        lead(month) over (partition by currency order by month) as valid_to,
        rate_to_usd
    from rates

),

usd as (

    select
        'USD' as currency,
        cast('1900-01-01' as date) as valid_from,
        cast(null as date) as valid_to,
        cast(1 as {{ icp.decimal_type() }}) as rate_to_usd

),

final as (

    select * from periods
    union all
    select * from usd

)

select * from final
