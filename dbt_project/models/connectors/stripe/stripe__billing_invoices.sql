{#- billing_invoices from Stripe `invoice` (connectors.md): total in the currency's unit, `draft`
    read as open, and the succeeded refunds of the invoice's charges as its refunded amount (at most
    its total); failed or pending refunds do not count. -#}
{%- set invoice = source('stripe', 'invoice') -%}
{%- set charge = source('stripe', 'charge') -%}
{%- set refund = source('stripe', 'refund') -%}
{%- if not icp.connector_active('stripe') %}
{{ icp.no_rows('billing', 'invoices') }}
{%- else %}

with invoices as (

    select * from {{ invoice }}

),

charges as (

    select
        {{ icp.clean_text('id') }} as charge_id,
        {{ icp.clean_text('invoice_id') }} as invoice_id
    from {{ charge }}

),

refunds as (

    select
        {{ icp.clean_text('charge_id') }} as charge_id,
        {{ icp.parse_integer(icp.clean_text('amount')) }} as amount
    from {{ refund }}
    where {{ icp.normalize_enum('status') }} = 'succeeded'

),

invoice_refunds as (

    select charges.invoice_id, sum(refunds.amount) as refunded_minor_units
    from refunds
    inner join charges
        on refunds.charge_id = charges.charge_id
    group by charges.invoice_id

),

mapped as (

    select
        {{ icp.row_order(invoice) }} as _row_number,
        {{ icp.drop_reason('stripe', 'invoice', 'invoices') }} as _drop_reason,
        {{ icp.clean_text('invoices.id') }} as invoice_id,
        {{ icp.clean_text('invoices.customer_id') }} as customer_id,
        {{ icp.clean_text('invoices.subscription_id') }} as subscription_id,
        {{ icp.connector_timestamp('coalesce(invoices.created, invoices.date)') }} as issued_at,
        case {{ icp.normalize_enum('invoices.status') }}
            when 'draft' then 'open'
            else {{ icp.normalize_enum('invoices.status') }}
        end as status,
        {{ icp.parse_integer(icp.clean_text('invoices.total')) }} as total_minor_units,
        invoice_refunds.refunded_minor_units,
        upper({{ icp.clean_text('invoices.currency') }}) as currency
    from invoices
    left join invoice_refunds
        on {{ icp.clean_text('invoices.id') }} = invoice_refunds.invoice_id

),

final as (

    select
        _row_number,
        _drop_reason,
        invoice_id,
        customer_id,
        subscription_id,
        issued_at,
        status,
        {{ icp.decimal_text(icp.stripe_amount('total_minor_units', 'currency'), 2) }} as amount,
        case when refunded_minor_units is not null then
            {{ icp.decimal_text(icp.stripe_amount(
                'least(refunded_minor_units, greatest(total_minor_units, 0))', 'currency'), 2) }}
        end as amount_refunded,
        currency
    from mapped

)

select * from final
{%- endif %}
