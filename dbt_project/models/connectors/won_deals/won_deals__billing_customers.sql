{#- billing = crm: one billing customer per account with a won deal (customer_id = account_id),
    created at its first won deal, in that deal's currency. -#}

with deals as (

    select * from {{ ref('won_deals__deals') }}

),

ranked as (

    select
        deals.*,
        row_number()
            over (partition by deals.account_id order by deals.closed_at, deals.opportunity_id)
            as deal_order
    from deals
    where deals.account_id is not null

),

final as (

    select
        _row_number,
        cast(null as {{ dbt.type_string() }}) as _drop_reason,
        account_id as customer_id,
        account_id,
        currency,
        closed_at as created_at
    from ranked
    where deal_order = 1

)

select * from final
